// An Express server with no telemetry file and no signal handling of its own. Start it with
//   node --require otel-sequelize-audit/register server.js
// `kill -TERM <pid>` flushes spans and audit records, then ends it.
const express = require('express');
const { DataTypes, Sequelize } = require('sequelize');
const { auditMiddleware } = require('otel-sequelize-audit');

const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
const User = sequelize.define('user', { email: DataTypes.STRING });

const app = express();
app.use(
  auditMiddleware((req) => ({ actor: { id: String(req.headers['x-user-id']), type: 'user' } })),
);
app.post('/users/:email', async (req, res) => {
  const user = await User.create({ email: req.params.email });
  res.status(201).json(user);
});

sequelize.sync().then(() => {
  const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
});
