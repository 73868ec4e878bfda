"""The bundled corpus (manifest.toml and the documents it lists), installed as `advisor.corpus`.

This file only makes the folder a package so that `importlib.resources` finds it in a wheel and in
an editable install alike; ingest reads the manifest and ignores it."""
