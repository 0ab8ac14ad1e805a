import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Controller, Headers, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { DataTypes, Sequelize } from 'sequelize';
import type { ModelStatic, Model } from 'sequelize';
import { getAuditContext } from '../../src';
import { auditMiddleware as expressAudit } from '../../src/frameworks/express';
import { auditHook } from '../../src/frameworks/fastify';
import { auditMiddleware as koaAudit } from '../../src/frameworks/koa';
import { AuditContextInterceptor, AuditModule } from '../../src/frameworks/nestjs';
import { spanExporter } from '../support/setup';

let sequelize: Sequelize;
let User: ModelStatic<Model>;

/** Creates a user and answers with the actor the audit context had in the handler. */
async function createUser(email: string): Promise<{ actor?: string }> {
  await User.create({ email });
  return { actor: getAuditContext()?.actor?.id };
}

/** Sends POST /users/:email as `user`; returns the answer and the actor of the audit record. */
async function signUp(base: string, user: string, email: string) {
  spanExporter.reset();
  const response = await fetch(`${base}/users/${email}`, {
    method: 'POST',
    headers: { 'x-user-id': user },
  });
  const body = (await response.json()) as { actor?: string };
  const audit = spanExporter.getFinishedSpans().find((span) => span.name === 'audit INSERT users');
  return { status: response.status, body, recordActor: audit?.attributes['audit.actor.id'] };
}

function baseOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('framework integrations take the actor from the request', function () {
  this.timeout(30_000);

  before(async () => {
    sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
    User = sequelize.define('user', { email: DataTypes.STRING });
    await sequelize.sync();
  });
  after(() => sequelize.close());

  it('Express: auditMiddleware gets an Express Request and the route runs in its context', async () => {
    const app = express();
    app.use(
      expressAudit((req) => ({ actor: { id: String(req.header('x-user-id')), type: 'user' } })),
    );
    app.post('/users/:email', async (req, res) => {
      res.status(201).json(await createUser(req.params.email));
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const result = await signUp(baseOf(server), 'ann', 'ann@example.org');
      assert.deepEqual(result, { status: 201, body: { actor: 'ann' }, recordActor: 'ann' });
    } finally {
      server.close();
    }
  });

  it('Fastify: auditHook gets a FastifyRequest and the route runs in its context', async () => {
    const app = Fastify();
    app.addHook(
      'onRequest',
      auditHook((request) => ({
        actor: { id: String(request.headers['x-user-id']), type: 'user' },
      })),
    );
    app.post<{ Params: { email: string } }>('/users/:email', async (request, reply) =>
      reply.code(201).send(await createUser(request.params.email)),
    );
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const result = await signUp(base, 'bea', 'bea@example.org');
      assert.deepEqual(result, { status: 201, body: { actor: 'bea' }, recordActor: 'bea' });
    } finally {
      await app.close();
    }
  });

  it('Koa: auditMiddleware gets a Koa Context and downstream middleware runs in its context', async () => {
    const app = new Koa();
    app.use(koaAudit((ctx) => ({ actor: { id: String(ctx.get('x-user-id')), type: 'user' } })));
    app.use(async (ctx) => {
      const match = /^\/users\/(.+)$/.exec(ctx.path);
      if (ctx.method !== 'POST' || !match) return;
      ctx.status = 201;
      ctx.body = await createUser(decodeURIComponent(match[1]));
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const result = await signUp(baseOf(server), 'cid', 'cid@example.org');
      assert.deepEqual(result, { status: 201, body: { actor: 'cid' }, recordActor: 'cid' });
    } finally {
      server.close();
    }
  });

  describe('NestJS', () => {
    class UsersController {
      async create(email: string, _user: string) {
        return createUser(email);
      }
    }
    // Decorators applied as functions: the suite compiles without experimentalDecorators.
    const descriptor = Object.getOwnPropertyDescriptor(UsersController.prototype, 'create')!;
    Param('email')(UsersController.prototype, 'create', 0);
    Headers('x-user-id')(UsersController.prototype, 'create', 1);
    Post(':email')(UsersController.prototype, 'create', descriptor);
    Controller('users')(UsersController);

    async function nestServer(imports: unknown[], interceptor?: AuditContextInterceptor) {
      class AppModule {}
      Module({ imports: imports as never[], controllers: [UsersController] })(AppModule);
      const app = await NestFactory.create(AppModule, { logger: false });
      if (interceptor) app.useGlobalInterceptors(interceptor);
      await app.listen(0, '127.0.0.1');
      return { app, base: baseOf(app.getHttpServer() as Server) };
    }

    const fromHeader = (req: { headers: Record<string, string | undefined> }) => ({
      actor: { id: String(req.headers['x-user-id']), type: 'user' },
    });

    it('AuditModule.forRoot takes the actor from the request of every route', async () => {
      const { app, base } = await nestServer([AuditModule.forRoot(fromHeader)]);
      try {
        const result = await signUp(base, 'dan', 'dan@example.org');
        assert.deepEqual(result, { status: 201, body: { actor: 'dan' }, recordActor: 'dan' });
      } finally {
        await app.close();
      }
    });

    it('AuditContextInterceptor with an async resolver that fails lets the request through without an actor', async () => {
      const failing = new AuditContextInterceptor(async () => {
        throw new Error('session store down');
      });
      const { app, base } = await nestServer([], failing);
      try {
        const result = await signUp(base, 'eve', 'eve@example.org');
        assert.deepEqual(result, { status: 201, body: {}, recordActor: undefined });
      } finally {
        await app.close();
      }
    });
  });
});
