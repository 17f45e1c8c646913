"""Streamlit glue: shared controls, session state that survives pages, cached computations."""
