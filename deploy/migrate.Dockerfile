# One-shot image: bootstrap roles/schemas and run every service's (and the gateway's) migrations.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY shared /app/shared
COPY services /app/services
COPY gateway /app/gateway
COPY deploy/tenants /app/deploy/tenants
RUN pip install --no-cache-dir /app/shared /app/services/ticketing /app/services/inventory \
      /app/services/billing /app/services/notify /app/gateway \
 && useradd --uid 10001 --no-create-home opspact
USER 10001
CMD ["opspact", "db", "migrate"]
