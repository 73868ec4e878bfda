"""The advisor's error hierarchy.

Errors are raised with a message that names the problem and the fix; they are translated
only at the edges (the HTTP layer maps them to status codes, the CLI to a message and an exit code).
"""


class AdvisorError(Exception):
    """Base class for every error the advisor raises on purpose."""


class ConfigError(AdvisorError):
    """A setting has a value the advisor cannot work with."""


class IngestError(AdvisorError):
    """A document could not be parsed or indexed. Raised per file: the rest of a batch goes on."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class IndexNotFoundError(AdvisorError):
    """The data directory holds no index yet."""


class RetrievalError(AdvisorError):
    """The index could not be searched."""


class InvalidQuestionError(AdvisorError):
    """A question the advisor will not process (empty, too long, ...)."""


class QuestionTooLongError(InvalidQuestionError):
    """A question longer than the configured limit."""


class PackageDataError(ConfigError):
    """A file the installed package should ship (knowledge, resources, prompts, corpus) is missing."""
