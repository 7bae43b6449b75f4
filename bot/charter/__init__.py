"""The community charter: its model (model.py), TOML loading and validation (loader.py) and publication (render.py)."""
