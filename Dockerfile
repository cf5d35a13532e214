# Image for the producer, the consumer and the API (docker-compose.yml builds it once).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pulse ./pulse
COPY api ./api
COPY consumer ./consumer
COPY producer ./producer
COPY stack ./stack
COPY sql ./sql
COPY schema ./schema
RUN pip install --no-cache-dir .
ENTRYPOINT ["python", "-m"]
CMD ["consumer", "run"]
