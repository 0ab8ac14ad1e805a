import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditTrail, registerAuditReceiver, verifyChains, withAuditContext } from '../../src';
import type { AuditEvent, AuditRecord, SequelizeAuditInstrumentationConfig } from '../../src';
import { AuditedApp } from '../hooks/support/audited-app';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation, tracerProvider } from '../support/setup';
import { dataTypesOf, unmanagedTransaction } from '../support/sequelize-majors';

interface Clinic {
  Patient: ModelStatic<Model>;
  Appointment: ModelStatic<Model>;
}

async function defineClinic(sequelize: Sequelize): Promise<Clinic> {
  const DataTypes = dataTypesOf(sequelize);
  const Patient = sequelize.define('Patient', {
    name: DataTypes.STRING,
    ward: DataTypes.STRING,
    diagnosis: DataTypes.STRING,
  });
  const Appointment = sequelize.define('Appointment', { at: DataTypes.STRING });
  // The key named as Sequelize 6 names it by default (Sequelize 7 would say `patientId`).
  Appointment.belongsTo(Patient, { foreignKey: 'PatientId' });
  Patient.hasMany(Appointment, { foreignKey: 'PatientId' });
  await sequelize.sync({ force: true });
  return { Patient, Appointment };
}

const READS: SequelizeAuditInstrumentationConfig = {
  audit: { models: { Patient: { reads: true } } },
};

describeEachDialect('access audit of models with reads: true', (db) => {
  let sequelize: Sequelize;
  let clinic: Clinic;
  let app: AuditedApp | undefined;
  let ids: number[];
  let tables = 0;
  const start = (config: SequelizeAuditInstrumentationConfig = READS): AuditedApp => {
    app = AuditedApp.sql(db, `audit_access_${(tables += 1)}`, config);
    return app;
  };
  /** The access records once the deferred batch ran and the processor wrote it. */
  const accessRecords = async (): Promise<AuditRecord[]> => {
    await nextTurn();
    await app?.flush();
    return (await app?.store.find({ operation: 'access' }, { limit: 1000 })) ?? [];
  };

  before(async () => {
    sequelize = db.connect();
    clinic = await defineClinic(sequelize);
    const rows = await clinic.Patient.bulkCreate(
      ['Ada', 'Bo', 'Cy', 'Di', 'Ed'].map((name, index) => ({
        name,
        ward: index < 3 ? 'north' : 'south',
        diagnosis: `d${index}`,
      })),
    );
    ids = rows.map((row) => Number(row.get('id')));
    await clinic.Appointment.bulkCreate([
      { at: 'mon', PatientId: ids[0] },
      { at: 'tue', PatientId: ids[0] },
      { at: 'wed', PatientId: ids[1] },
    ]);
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    resetInstrumentation();
  });

  it('records one access record per row a findAll returns: who, which row, which fields, the trace', async () => {
    const audited = start();
    const tracer = tracerProvider.getTracer('test');
    let traceId = '';
    const found = await withAuditContext({ actor: { id: 'dr-who', type: 'user' } }, () =>
      tracer.startActiveSpan('GET /patients', async (span) => {
        traceId = span.spanContext().traceId;
        try {
          return await clinic.Patient.findAll({ where: { ward: 'north' }, order: [['id', 'ASC']] });
        } finally {
          span.end();
        }
      }),
    );
    assert.equal(found.length, 3);
    const records = await accessRecords();
    assert.deepEqual(
      records.map((r) => r.recordId),
      ids.slice(0, 3).map(String),
    );
    for (const record of records) {
      assert.equal(record.operation, 'access');
      assert.equal(record.granularity, 'row');
      assert.equal(record.table, 'Patients');
      assert.equal(record.model, 'Patient');
      assert.deepEqual(record.actor, { id: 'dr-who', type: 'user' });
      assert.equal(record.traceId, traceId);
      assert.deepEqual(record.changedFields, [
        'createdAt',
        'diagnosis',
        'id',
        'name',
        'updatedAt',
        'ward',
      ]);
      assert.equal(record.before, null);
      assert.equal(record.after, null);
    }
    assert.equal((await verifyChains(audited.store)).ok, true);
  });

  it('never changes what the find returns', async () => {
    const plain = async () =>
      (await clinic.Patient.findAll({ order: [['id', 'ASC']], include: [clinic.Appointment] })).map(
        (row) => JSON.stringify(row.toJSON()),
      );
    const unaudited = await plain();
    start();
    const audited = await plain();
    assert.deepEqual(audited, unaudited);
    assert.equal((await accessRecords()).length, 5);
  });

  it('records the selected fields only, and one record per row for findOne, findByPk and findAndCountAll', async () => {
    start();
    await clinic.Patient.findOne({ where: { name: 'Bo' }, attributes: ['id', 'name'] });
    await clinic.Patient.findByPk(ids[2]);
    const { count, rows } = await clinic.Patient.findAndCountAll({
      where: { ward: 'south' },
      order: [['id', 'ASC']],
    });
    assert.equal(count, 2);
    assert.equal(rows.length, 2);
    const records = await accessRecords();
    assert.deepEqual(
      records.map((r) => r.recordId),
      [ids[1], ids[2], ids[3], ids[4]].map(String),
    );
    assert.deepEqual(records[0].changedFields, ['id', 'name']);
  });

  it('records the rows of an access-audited model loaded through an include, once per row', async () => {
    start();
    const appointments = await clinic.Appointment.findAll({
      include: [{ model: clinic.Patient, attributes: ['id', 'name'] }],
    });
    assert.equal(appointments.length, 3);
    const records = await accessRecords();
    assert.deepEqual(records.map((r) => r.recordId).sort(), [ids[0], ids[1]].map(String).sort());
    assert.deepEqual(records[0].changedFields, ['id', 'name']);
    assert.ok(records.every((r) => r.model === 'Patient'));
  });

  it('records the rows of a separate include once, and the root rows of a raw find', async () => {
    start();
    await clinic.Patient.findAll({
      where: { id: ids[0] },
      include: [{ model: clinic.Appointment, separate: true }],
    });
    await clinic.Patient.findAll({ where: { name: 'Ed' }, raw: true });
    const records = await accessRecords();
    assert.deepEqual(
      records.map((r) => r.recordId),
      [String(ids[0]), String(ids[4])],
    );
  });

  it('records the rows of an access-audited separate include once each, and shows reads in the row history', async () => {
    const audited = start({
      audit: { models: { Patient: { reads: true }, Appointment: { reads: true } } },
    });
    await clinic.Patient.findAll({
      where: { id: ids[0] },
      include: [{ model: clinic.Appointment, separate: true }],
    });
    const records = await accessRecords();
    assert.deepEqual(records.map((r) => r.model).sort(), ['Appointment', 'Appointment', 'Patient']);
    const history = await new AuditTrail(audited.store).history('Patients', ids[0]);
    assert.deepEqual(
      history.versions.map((v) => [v.operation, v.status]),
      [['access', 'absent']],
    );
  });

  it('writes one statement-level record above the row cap, with the count and the sanitized where clause', async () => {
    start({ audit: { maxRowsPerStatement: 3, models: { Patient: { reads: true } } } });
    await clinic.Patient.findAll({ where: { diagnosis: ['d0', 'd1', 'd2', 'd3', 'd4'] } });
    const records = await accessRecords();
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record.granularity, 'statement');
    assert.equal(record.recordId, null);
    assert.equal(record.affectedRows, 5);
    assert.equal(record.captureFallback, 'row_cap');
    assert.match(record.statement ?? '', /^Patient\.findAll WHERE /);
    assert.doesNotMatch(record.statement ?? '', /d0|d4/);
  });

  it('keeps the access records of reads in a transaction that rolls back', async () => {
    start();
    const transaction = await unmanagedTransaction(sequelize);
    await clinic.Patient.findByPk(ids[0], { transaction });
    await transaction.rollback();
    const records = await accessRecords();
    assert.equal(records.length, 1);
    assert.equal(records[0].transactionId, (transaction as unknown as { id: string }).id);
  });

  it('makes no access record for models without reads, for empty results, nor for its own pre-reads', async () => {
    const audited = start();
    await clinic.Appointment.findAll();
    await clinic.Patient.findAll({ where: { name: 'nobody' } });
    await clinic.Patient.update({ ward: 'east' }, { where: { name: 'Ed' } });
    await clinic.Patient.update({ ward: 'south' }, { where: { name: 'Ed' } });
    assert.deepEqual(await accessRecords(), []);
    const all = await audited.store.find({}, { limit: 100 });
    assert.deepEqual(
      all.map((r) => r.operation),
      ['update', 'update'],
    );
  });

  it('is off without reads: true, and with audit disabled', async () => {
    start({ audit: { models: { Patient: { redact: ['diagnosis'] } } } });
    await clinic.Patient.findAll();
    assert.deepEqual(await accessRecords(), []);
    await app?.stop();
    start({ audit: { enabled: false, models: { Patient: { reads: true } } } });
    await clinic.Patient.findAll();
    assert.deepEqual(await accessRecords(), []);
  });

  it('builds the record after the call returned, on the next turn, also under fake timers', async () => {
    start();
    const delivered: AuditEvent[] = [];
    const unregister = registerAuditReceiver({ receiveAuditEvent: (e) => delivered.push(e) });
    const realSetImmediate = globalThis.setImmediate;
    try {
      await clinic.Patient.findByPk(ids[0]);
      assert.equal(delivered.length, 0);
      // An application's fake timers replace the global; the deferred batch still runs.
      globalThis.setImmediate = (() => undefined) as unknown as typeof setImmediate;
      await clinic.Patient.findByPk(ids[1]);
      globalThis.setImmediate = realSetImmediate;
      await nextTurn();
      assert.deepEqual(
        delivered.map((e) => e.recordId),
        [String(ids[0]), String(ids[1])],
      );
    } finally {
      globalThis.setImmediate = realSetImmediate;
      unregister();
    }
    assert.equal((await accessRecords()).length, 2);
  });
});
