import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import {
  openCheckpoint,
  readCheckpoint,
  signCheckpoint,
  streamOrigin,
} from '../../src/integrity/checkpoint-note';
import { openNote, parseNote, signNote } from '../../src/integrity/signed-note';
import {
  generateSigningKeys,
  privateSigningKey,
  publicSigningKey,
  verifierKey,
} from '../../src/integrity/signing-keys';

/*
 * The C2SP signed-note example of the Go note package: the key "PeterNeumann" (seed below)
 * has verifier key PeterNeumann+c74f20a3+ARpc2Q... and signs the text with the line shown.
 */
const SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNATURE_LINE =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

const peter = createPrivateKey({
  key: Buffer.concat([PKCS8_ED25519_PREFIX, SEED]),
  format: 'der',
  type: 'pkcs8',
});

describe('C2SP signed notes and checkpoints', () => {
  it('derives the verifier key of the reference example', () => {
    assert.equal(
      verifierKey('PeterNeumann', publicSigningKey(peter)),
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    );
  });

  it('signs the reference text with the reference signature line', () => {
    assert.equal(signNote(TEXT, 'PeterNeumann', peter), `${TEXT}\n${SIGNATURE_LINE}`);
    assert.equal(openNote(`${TEXT}\n${SIGNATURE_LINE}`, publicSigningKey(peter)), TEXT);
  });

  it('rejects a note whose text changed by one byte, and a note of another key', () => {
    const note = signNote(TEXT, 'PeterNeumann', peter);
    const changed = note.replace('answer', 'answeR');
    assert.throws(() => openNote(changed, publicSigningKey(peter)), /not valid/);
    const other = publicSigningKey(generateSigningKeys().publicKey);
    assert.throws(() => openNote(note, other), /no signature by this public key/);
  });

  it('writes a checkpoint as origin, tree size and base64 root, and reads it back', () => {
    const { publicKey, privateKey } = generateSigningKeys();
    const root = Buffer.alloc(32, 7);
    const note = signCheckpoint(
      { origin: streamOrigin('writer-1'), size: 42, root },
      privateSigningKey(privateKey),
    );
    const [body] = note.split('\n\n');
    assert.equal(body, `otel-sequelize-audit/writer-1\n42\n${root.toString('base64')}`);
    assert.match(note, /\n\n— otel-sequelize-audit [A-Za-z0-9+/]+=*\n$/);
    assert.equal(parseNote(note).signatures.length, 1);
    assert.deepEqual(openCheckpoint(note, publicSigningKey(publicKey)), {
      origin: 'otel-sequelize-audit/writer-1',
      size: 42,
      root,
    });
    assert.equal(readCheckpoint(note).size, 42);
    assert.throws(() =>
      openCheckpoint(note.replace('\n42\n', '\n43\n'), publicSigningKey(publicKey)),
    );
  });

  it('says what to do with a key that is not Ed25519', () => {
    assert.throws(() => privateSigningKey('not a key'), /keygen/);
  });
});
