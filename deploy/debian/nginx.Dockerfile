# nginx from Debian bookworm's packages, for the stack where nginx:1.27 cannot be pulled. The
# stack's own configuration (deploy/nginx.conf) is mounted as conf.d/default.conf, as in the
# official image; logs go to the container's output.
ARG BASE_IMAGE=portal-base/debian:bookworm
FROM ${BASE_IMAGE}

RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx wget \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
    && ln -sf /dev/stdout /var/log/nginx/access.log \
    && ln -sf /dev/stderr /var/log/nginx/error.log

EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
