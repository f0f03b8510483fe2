# Redis from Debian bookworm's packages, for the stack where redis:7 cannot be pulled. As in the
# official image: data in /data, reachable from the stack's network (no protected mode; the
# port is not published outside the stack).
ARG BASE_IMAGE=portal-base/debian:bookworm
FROM ${BASE_IMAGE}

# The user first, with the official image's ids (999), so the package does not pick others.
RUN groupadd --system --gid 999 redis \
    && useradd --system --uid 999 --gid redis --home-dir /var/lib/redis --shell /usr/sbin/nologin redis \
    && apt-get update \
    && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown redis:redis /data

COPY redis-entrypoint.sh /usr/local/bin/redis-entrypoint.sh
WORKDIR /data
USER 999:999
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entrypoint.sh"]
CMD ["redis-server"]
