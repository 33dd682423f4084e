FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng sox libsndfile1 \
    sphinxtrain sphinxbase-utils pocketsphinx \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .
ENV DJANGO_SETTINGS_MODULE=portal.settings.base PORTAL_VAR_DIR=/data
RUN SECRET_KEY=build PORTAL_ENCRYPTION_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
