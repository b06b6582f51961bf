"""The domain: entities, rules and use cases in plain Python. Never imports streamlit."""
