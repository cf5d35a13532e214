"""The Kafka Connect + Debezium JDBC sink peer (issue 9): its jars (resolved with Maven,
pom.xml), its JSON-with-schema copy of the topic, its worker and the child that runs it."""
