# Image for the distributed deployment (docker-compose.yml). One image, every role:
# `ficus start` for the gateway, `ficus serve <service>` for a service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
EXPOSE 8069
# One node process (tsx is a dependency; bin/ficus.js loads it in-process): `docker stop`'s SIGTERM
# reaches the CLI itself, which stops the gateway and its PostgreSQL and exits 0.
ENTRYPOINT ["node", "bin/ficus.js"]
CMD ["start"]
