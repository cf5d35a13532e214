"""Raw kafka-python consumption with JSON decoding: the ceiling for any Python consumer."""
