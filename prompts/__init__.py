"""The answer phrases and LLM prompts (TOML), installed as `advisor.prompts`; read through
`importlib.resources`."""
