// Reads records from Kafka topics with a stock kafkajs consumer (no compression plugins), as a
// Node.js delivery system would, and prints each as a JSON line:
// {"topic","partition","key","value","headers"}. It exits 0 once it has read --count records
// from every topic, and 1 with the client's error (an unsupported codec, say) or on --timeout.
//
//   node read.js --brokers 127.0.0.1:9092 --topic ads.ready --topic clickstream.dlq --count 1
'use strict';
const { Kafka, logLevel } = require('kafkajs');

function parseArgs(argv) {
  const args = { brokers: [], topics: [], count: 1, timeoutMs: 30000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag}: missing value`);
    if (flag === '--brokers') args.brokers.push(...value.split(','));
    else if (flag === '--topic') args.topics.push(value);
    else if (flag === '--count') args.count = Number(value);
    else if (flag === '--timeout-ms') args.timeoutMs = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (args.brokers.length === 0 || args.topics.length === 0) throw new Error('--brokers and --topic are required');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const kafka = new Kafka({ clientId: 'kafkajs-reader', brokers: args.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `kafkajs-reader-${process.pid}-${Date.now()}` });
  const seen = new Map(args.topics.map((t) => [t, 0]));
  let finish;
  const done = new Promise((resolve, reject) => {
    finish = { resolve, reject };
    setTimeout(() => reject(new Error(`timeout: read ${JSON.stringify([...seen])} of ${args.count} per topic`)), args.timeoutMs);
  });
  consumer.on(consumer.events.CRASH, (e) => finish.reject(e.payload.error));
  await consumer.connect();
  await consumer.subscribe({ topics: args.topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers = {};
      for (const [k, v] of Object.entries(message.headers || {})) headers[k] = v === undefined ? null : v.toString();
      process.stdout.write(JSON.stringify({
        topic, partition,
        key: message.key === null ? null : message.key.toString(),
        value: message.value === null ? null : message.value.toString(),
        headers,
      }) + '\n');
      seen.set(topic, seen.get(topic) + 1);
      if ([...seen.values()].every((n) => n >= args.count)) finish.resolve();
    },
  });
  try {
    await done;
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`kafkajs: ${err && err.name ? err.name + ': ' : ''}${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
