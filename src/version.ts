export const PACKAGE_NAME = 'otel-sequelize-audit';
export const PACKAGE_VERSION = '0.1.0';
