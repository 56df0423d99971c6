// What every service uses (DESIGN §3 services/kit). Services import from here only.
export { defineService, defineRoute, SERVICE_NAMES } from './define-service.ts';
export type { ServiceDefinition, RouteDefinition, RouteContext, RouteResult, SubscriptionDefinition, ServiceName, ModuleId, HttpMethod, SagaOwners, PlatformPorts, OdooCalls, BackgroundPorts, BackgroundWork } from './define-service.ts';

export { HttpProblem, problems } from './http/problem.ts';
export { buildOpenApi, mergeOpenApi } from './http/openapi.ts';

export type { Bus, EventHandler, HandlerContext } from './bus/types.ts';
export type { CloudEvent, NewEvent } from './events/cloudevent.ts';
export { InvalidEventError, toCloudEvent } from './events/cloudevent.ts';
export { assertValidEvent } from './events/validate-event.ts';
export { busEventSink, callEventSink, isoUtc, NO_EVENTS, type EventSink } from './events/event-sink.ts';
export type { EventDataMap, EventType } from './events/event-types.ts';
export { EVENT_TYPES } from './events/event-types.ts';

export type { Migration } from './db/migrations.ts';
export { MigrationError } from './db/migrations.ts';
export type { KitTables } from './db/kit-tables.ts';

export type { Cache } from './cache/cache.ts';

export { defineSaga, SagaRejected, sagaStepKey } from './saga/saga.ts';
export type { SagaDefinition, SagaStep, SagaBoundary } from './saga/saga.ts';
export { SagaRunner, type SagaOutcome } from './saga/saga-runner.ts';

export type { Principal, TokenSubject } from './auth/tokens.ts';
export type { LoginGuard, LoginAttemptKeys } from './auth/login-guard.ts';
export type { SessionState } from './auth/session-check.ts';
export type { TokenSigner } from './auth/token-signer.ts';
export { issueToken } from './auth/tokens.ts';
export { credentialStampOf } from './auth/credential-stamp.ts';
export { openAccessChangeFeed, startAccessChangeFeed, type AccessChangeFeed } from './access/access-change-feed.ts';
export type { AccessPort, AccessMode } from './access/access-port.ts';
export { userHasGroup } from './access/groups.ts';
export { checkRecords, rulesSql, type RulesSql } from './access/record-checks.ts';
export { notReadyProblem } from './access/reference-copy.ts';
export { currentTraceparent, currentWork, outgoingHeaders, type WorkContext } from '../../platform/work-context.ts';
export { OUTBOX_INSERT, outboxRows } from './bus/outbox-rows.ts';
export { inClientTransaction, inPgTransaction } from '../../platform/pg-transaction.ts';
export { poolConnectionFacts, poolUrl, postgresUrl, urlOfDatabase, type PostgresConnectionFacts } from '../../platform/postgres-url.ts';
export { periodicWork, type PeriodicWorkOptions } from './runner/periodic-work.ts';

export { LegacyCommandProcessor, type LegacyCommandProcessorOptions } from './cdc/legacy-command-processor.ts';
export { assertServiceOwns, cancelledByOwnershipChange, currentWriteOwners, WRITE_OWNER_TABLE, type WriteOwner } from './cdc/write-owner.ts';
export { RowChangeFeed, rowChangesOf, type RowChange, type RowChangeFeedOptions } from './cdc/row-change-feed.ts';

// The Odoo face of a service (models served, behaviours, business methods, legacy behaviours) and what hosts it.
export type { OdooFace, ServedModel, ServiceEngineOptions, CommandProcessor, ModuleTie, LooseLink, LegacyBehaviourPorts } from './odoo/odoo-face.ts';
export type { DeclaredRecordRule } from '../../odoo-bridge/orm/index.ts';
export { createServiceEngine, hasOdooFace, provisionService, serviceCommandProcessor, type ServiceWithOdooFace } from './odoo/service-face.ts';
export { provisionServiceDatabase } from './db/provision.ts';
export { onKysely, onQueryable, queryableOf, sqlBuilder, type SqlRunner } from './db/sql-runner.ts';
export { moduleHome, type ModuleHome, type RowHome } from './db/module-home.ts';
export { RuleRefusal, type RefusalKind } from './refusal/rule-refusal.ts';
export { asProblems } from './refusal/as-problems.ts';
export { asOdooErrors, odooErrorOf, readSelf, recordsMethod } from './odoo/odoo-calls.ts';

// Search (issue 23): one port, PostgreSQL full-text or OpenSearch behind it.
export * from './search/index.ts';
