# A mail catcher from Debian bookworm's packages (python3-aiosmtpd), for the stack where the
# Mailpit image cannot be pulled: SMTP on 1025, Mailpit's API on 8025 (see mailcatcher.py).
ARG BASE_IMAGE=portal-base/debian:bookworm
FROM ${BASE_IMAGE}

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3-aiosmtpd \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 999 --user-group --no-create-home mailcatcher

COPY mailcatcher.py /mailpit
USER 999:999
EXPOSE 1025 8025
CMD ["/mailpit"]
