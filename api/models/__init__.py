"""The API's typed answers: one pydantic model per row shape, plus the page envelope."""
