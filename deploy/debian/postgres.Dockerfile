# PostgreSQL 15 from Debian bookworm's packages, for the stack where postgres:15 cannot be
# pulled: the same interface as the official image (POSTGRES_DB, POSTGRES_USER,
# POSTGRES_PASSWORD, data in /var/lib/postgresql/data, pg_isready).
ARG BASE_IMAGE=portal-base/debian:bookworm
FROM ${BASE_IMAGE}

# The user first, with the official image's ids (999), so the package does not pick others.
# Debian's package would create a cluster of its own on install; the entrypoint creates ours.
RUN groupadd --system --gid 999 postgres \
    && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
    && mkdir -p /etc/postgresql-common \
    && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
    && chmod 0700 /var/lib/postgresql/data

ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER 999:999
EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown: open transactions are rolled back, nothing is lost.
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
CMD ["postgres"]
