# Image for the distributed deployment (docker-compose.yml). One image, every role:
# `ficus start` for the gateway, `ficus serve <service>` for a service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save tsx
COPY . .
EXPOSE 8069
ENTRYPOINT ["npx", "tsx", "cli/ficus.ts"]
CMD ["start"]
