"""The Kafka Connect + Debezium JDBC sink peer of the consumer benchmark (issue 9): its
jars (resolved with Maven), its JSON-with-schema copy of the topic, and its worker."""
