import { ValueType } from '@opentelemetry/api';
import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  METRIC_DB_CLIENT_OPERATION_DURATION,
} from '@opentelemetry/semantic-conventions';

/** The bucket boundaries the database client conventions prescribe, in seconds. */
export const DURATION_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** The span attributes the duration histogram carries (the others would explode cardinality). */
const METRIC_ATTRIBUTES = [
  ATTR_DB_SYSTEM_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
];

export function createDurationHistogram(meter: Meter): Histogram {
  return meter.createHistogram(METRIC_DB_CLIENT_OPERATION_DURATION, {
    description: 'Duration of database client operations.',
    unit: 's',
    valueType: ValueType.DOUBLE,
    advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
  });
}

/** The metric attributes picked out of a query span's attributes. */
export function metricAttributes(spanAttributes: Attributes): Attributes {
  const picked: Attributes = {};
  for (const key of METRIC_ATTRIBUTES) {
    const value = spanAttributes[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
