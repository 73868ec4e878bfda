"""The buyers' chat page (Gradio), mounted in the same FastAPI app. Only this package imports gradio."""
