"""Poison from real clients: the official Java producer and librdkafka send every record
shape that once stopped Pulse, in every codec, inside and outside transactions; the
corpus test and the poison chaos scenario check what the consumer made of each offset."""
