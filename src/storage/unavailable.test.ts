import { describe, expect, it } from 'vitest';
import { markConnectFailure } from './postgres/connection.js';
import { postgresSpecifics } from './postgres/dialect.js';
import { sqliteSpecifics } from './sqlite/dialect.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import { unavailableCause } from './unavailable-cause.js';

/** Which failures mean "the database cannot serve now" (503), on each backend, and how their cause reads. */

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
const sqliteError = (code: string, message = 'failed') =>
  Object.assign(new Error(message), { name: 'SqliteError', code });
const whileConnecting = (error: Error) => {
  try {
    markConnectFailure(error);
  } catch {}
  return error;
};

describe('PostgreSQL', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['ETIMEDOUT', 'no answer'],
    ['EHOSTUNREACH', 'no route'],
    ['ENOTFOUND', 'no such host'],
    ['EPIPE', 'connection gone'],
    ['08000', 'connection_exception'],
    ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
    ['08003', 'connection_does_not_exist'],
    ['08006', 'connection_failure'],
    ['08P01', 'protocol_violation'],
    ['28000', 'invalid_authorization_specification: the role does not exist'],
    ['28P01', 'invalid_password'],
    ['3D000', 'invalid_catalog_name: the database does not exist'],
    ['25006', 'read_only_sql_transaction: a hot standby, default_transaction_read_only'],
    ['53000', 'insufficient_resources'],
    ['53100', 'disk_full'],
    ['53200', 'out_of_memory'],
    ['53300', 'too_many_connections'],
    ['53400', 'configuration_limit_exceeded'],
    ['55P03', 'lock_not_available: lock_timeout'],
    ['57000', 'operator_intervention'],
    ['57014', 'query_canceled: statement_timeout'],
    ['57P01', 'admin_shutdown'],
    ['57P02', 'crash_shutdown'],
    ['57P03', 'cannot_connect_now'],
    ['57P04', 'database_dropped'],
    ['57P05', 'idle_session_timeout'],
    ['58000', 'system_error'],
    ['58030', 'io_error'],
  ])('%s (%s) cannot serve now', (code) => {
    expect(postgresSpecifics.isUnavailable(pgError(code))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Query read timeout',
    'Client has encountered a connection error and is not queryable',
  ])('node-postgres "%s" cannot serve now', (message) => {
    expect(postgresSpecifics.isUnavailable(new Error(message))).toBe(true);
  });

  it('55000 (object_not_in_prerequisite_state) only when connecting: "not currently accepting connections"', () => {
    const refused = pgError('55000', 'database "x" is not currently accepting connections');
    expect(postgresSpecifics.isUnavailable(whileConnecting(refused))).toBe(true);
    expect(
      postgresSpecifics.isUnavailable(pgError('55000', 'lastval is not yet defined in this session')),
    ).toBe(false);
  });

  it('any failure to open a connection cannot serve now, whatever it says', () => {
    expect(postgresSpecifics.isUnavailable(whileConnecting(new Error('self-signed certificate')))).toBe(true);
  });

  it.each([
    ['23505', 'unique_violation'],
    ['23503', 'foreign_key_violation'],
    ['42P01', 'undefined_table'],
    ['42601', 'syntax_error'],
    ['40001', 'serialization_failure (retried by writeTransaction)'],
    ['22P02', 'invalid_text_representation'],
    ['XX000', 'internal_error'],
  ])('%s (%s) is a fault, not unavailability', (code) => {
    expect(postgresSpecifics.isUnavailable(pgError(code))).toBe(false);
  });
});

describe('SQLite', () => {
  it.each([
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_BUSY_TIMEOUT',
    'SQLITE_FULL',
    'SQLITE_IOERR',
    'SQLITE_IOERR_WRITE',
    'SQLITE_IOERR_FSYNC',
    'SQLITE_IOERR_SHORT_READ',
    'SQLITE_CANTOPEN',
    'SQLITE_READONLY',
    'SQLITE_READONLY_DBMOVED',
    'SQLITE_READONLY_DIRECTORY',
    'SQLITE_PROTOCOL',
    'SQLITE_NOMEM',
  ])('%s cannot serve now', (code) => {
    expect(sqliteSpecifics.isUnavailable(sqliteError(code))).toBe(true);
  });

  it.each([
    'SQLITE_ERROR',
    'SQLITE_CONSTRAINT_UNIQUE',
    'SQLITE_CONSTRAINT_FOREIGNKEY',
    'SQLITE_CORRUPT',
    'SQLITE_MISMATCH',
    'SQLITE_FULLX',
  ])('%s is a fault, not unavailability', (code) => {
    expect(sqliteSpecifics.isUnavailable(sqliteError(code))).toBe(false);
  });
});

describe('the cause a 503 is logged with', () => {
  it('is the code and the first line of the message', () => {
    expect(unavailableCause(sqliteError('SQLITE_FULL', 'database or disk is full'))).toBe(
      'SQLITE_FULL: database or disk is full',
    );
    expect(unavailableCause(pgError('3D000', 'database "x" does not exist\nDETAIL: more'))).toBe(
      '3D000: database "x" does not exist',
    );
    expect(unavailableCause(new Error('Connection terminated unexpectedly'))).toBe(
      'Connection terminated unexpectedly',
    );
    expect(unavailableCause(pgError('ECONNREFUSED', ''))).toBe('ECONNREFUSED');
    expect(unavailableCause(new StoreUnavailableError('53300: too many connections'))).toBe(
      '53300: too many connections',
    );
  });

  it('never holds a password of a connection string, and stays short', () => {
    const cause = unavailableCause(
      pgError('08001', 'could not reach postgres://admin:s3cret@db.example:5432/metrics'),
    );
    expect(cause).toBe('08001: could not reach postgres://***@db.example:5432/metrics');
    expect(unavailableCause(pgError('08001', 'x'.repeat(1_000))).length).toBe(200);
  });
});
