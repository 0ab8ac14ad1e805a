import { context } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { TransactionLike } from '../sequelize/internal-types';
import { asSequelizeTransaction } from '../sequelize/public-transaction';
import type { TransactionCall, TransactionInterceptor } from '../sequelize/transaction-call';
import type { AuditEvent } from '../types';
import type { PendingAuditEvent } from './record-builder';
import type { AuditRecorder } from './recorder';
import { transactionalReceivers } from './receivers';
import type { AuditEventReceiver } from './receivers';
import { suppressAudit } from './suppression';
import type { HeldEvents } from './transaction-buffer';

/*
 * Records of work inside a transaction are held until COMMIT and emitted once it succeeded;
 * ROLLBACK drops them (or emits them marked `rolled_back` with `keepRolledBack`), and
 * ROLLBACK TO SAVEPOINT drops what came after the savepoint. Receivers that persist within
 * the transaction get the events just before COMMIT is sent, on the transaction's connection.
 */

/** The transaction interceptor of the audit side. */
export function createTransactionInterceptor(
  recorder: AuditRecorder,
  diag: DiagLogger,
): TransactionInterceptor {
  return (call, next) => {
    if (call.transaction.parent) return onSavepoint(call, next, recorder);
    if (call.action === 'commit') return onCommit(call.transaction, next, recorder, diag);
    if (call.action === 'rollback') return onRollback(call.transaction, next, recorder);
    return next();
  };
}

async function onSavepoint(
  call: TransactionCall,
  next: () => Promise<unknown>,
  recorder: AuditRecorder,
): Promise<unknown> {
  if (call.action === 'begin') recorder.buffers.markSavepoint(call.transaction);
  if (call.action !== 'rollback') return next();
  try {
    return await next();
  } finally {
    recorder.buffers.rollbackToSavepoint(call.transaction, recorder.settings.keepRolledBack);
  }
}

async function onRollback(
  transaction: TransactionLike,
  next: () => Promise<unknown>,
  recorder: AuditRecorder,
): Promise<unknown> {
  try {
    return await next();
  } finally {
    discard(recorder.buffers.take(transaction), recorder);
  }
}

async function onCommit(
  transaction: TransactionLike,
  next: () => Promise<unknown>,
  recorder: AuditRecorder,
  diag: DiagLogger,
): Promise<unknown> {
  const held = recorder.buffers.peek(transaction);
  if (!held || (held.pending.length === 0 && held.rolledBack.length === 0)) {
    recorder.buffers.take(transaction);
    return next();
  }
  const persisted = await persistWithinTransaction(held, transaction, diag);
  let result: unknown;
  try {
    result = await next();
  } catch (error) {
    discard(recorder.buffers.take(transaction), recorder);
    throw error;
  }
  recorder.buffers.take(transaction);
  recorder.emit(held.pending, { outcome: 'committed', alreadyPersisted: persisted });
  recorder.emit(held.rolledBack, { outcome: 'rolled_back', alreadyPersisted: persisted });
  return result;
}

/** Drops a rolled-back transaction's events, or emits them as `rolled_back` when kept. */
function discard(held: HeldEvents | undefined, recorder: AuditRecorder): void {
  if (!held || !recorder.settings.keepRolledBack) return;
  recorder.emit([...held.pending, ...held.rolledBack], { outcome: 'rolled_back' });
}

/**
 * Hands the events to the receivers that persist inside the transaction. A receiver that
 * fails is logged and gets the events after COMMIT the ordinary way: the application's
 * commit is never failed by the audit side.
 */
async function persistWithinTransaction(
  held: HeldEvents,
  transaction: TransactionLike,
  diag: DiagLogger,
): Promise<Set<AuditEventReceiver>> {
  const persisted = new Set<AuditEventReceiver>();
  const receivers = transactionalReceivers();
  if (receivers.length === 0) return persisted;
  const events = [
    ...withOutcome(held.pending, 'committed'),
    ...withOutcome(held.rolledBack, 'rolled_back'),
  ];
  const quiet = suppressTracing(suppressAudit(context.active()));
  for (const receiver of receivers) {
    try {
      await context.with(quiet, () =>
        receiver.persistWithinTransaction?.(events, asSequelizeTransaction(transaction)),
      );
      persisted.add(receiver);
    } catch (error) {
      diag.error(
        'an audit receiver failed to persist within the transaction; delivering after COMMIT',
        error,
      );
    }
  }
  return persisted;
}

function withOutcome(
  events: readonly PendingAuditEvent[],
  outcome: AuditEvent['outcome'],
): AuditEvent[] {
  return events.map((pending) => ({ ...pending.event, outcome }));
}
