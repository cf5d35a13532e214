# Image for the producer and the consumer (docker-compose.yml builds it once for both).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pulse ./pulse
COPY consumer ./consumer
COPY producer ./producer
COPY stack ./stack
COPY sql ./sql
COPY schema ./schema
RUN pip install --no-cache-dir .
ENTRYPOINT ["python", "-m"]
CMD ["consumer", "run"]
