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


class NotFoundError(AdvisorError):
    """A document or passage the request names does not exist."""


class DocumentExists(AdvisorError):
    """An upload whose id is already a document's, without the request's consent to replace it."""


class AccessDenied(AdvisorError):
    """An admin request without the right key, or with admin endpoints switched off."""


class AnswerTimeout(AdvisorError):
    """An answer (or another request's work) took longer than its configured time limit."""


class ClientBusy(AdvisorError):
    """A client that already has as many requests waiting or being answered as it may (a 429)."""

    def __init__(self, message: str, retry_after_s: int = 1):
        self.retry_after_s = retry_after_s
        super().__init__(message)


class BackendError(AdvisorError):
    """The LLM backend failed. The message says how, never what the server sent back: an error
    body can echo the request's credentials, and the reason ends up in answers and logs."""


class BackendTimeout(BackendError):
    """The LLM backend gave no reply within ADVISOR_LLM_TIMEOUT_S."""

    @classmethod
    def after(cls, timeout_s: float, cause: BaseException | None = None) -> "BackendTimeout":
        named = f" ({type(cause).__name__})" if cause is not None else ""
        return cls(f"the LLM gave no reply within {timeout_s:g} s{named}")


class ValidationFailed(AdvisorError):
    """An LLM reply the validator cannot stand behind; the extractive answer is used instead."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)
