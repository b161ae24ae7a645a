// Sends the calls read as a JSON array on stdin to the collector at COLLECTOR_URL with a real
// tracking SDK, named by the first argument (segment-node, rudder-node), authenticated with
// WRITE_KEY, and exits 0 only when the SDK reports every call delivered. Each call is
// {"method": "track" | "page" | "identify" | "alias" | "screen" | "group", "message": {...}}, the
// message as the SDK's method takes it.
'use strict'

const url = process.env.COLLECTOR_URL
const writeKey = process.env.WRITE_KEY
const sdk = process.argv[2]

function readStdin() {
  return new Promise((resolve, reject) => {
    let data = ''
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (c) => (data += c))
    process.stdin.on('end', () => resolve(JSON.parse(data).map(withDates)))
    process.stdin.on('error', reject)
  })
}

// withDates turns the message's timestamp into the Date both SDKs want.
function withDates(c) {
  if (typeof c.message.timestamp === 'string') c.message.timestamp = new Date(c.message.timestamp)
  return c
}

async function segmentNode(calls) {
  const { Analytics } = require('@segment/analytics-node')
  const analytics = new Analytics({ writeKey, host: url, flushAt: 10, flushInterval: 200, maxRetries: 2 })
  const failures = []
  analytics.on('error', (err) => failures.push(String(err && (err.reason || err.message || err.code) || err)))
  const delivered = calls.map(
    (c) => new Promise((resolve) => analytics[c.method](c.message, (err) => resolve(err ? String(err) : null)))
  )
  const results = await Promise.all(delivered)
  await analytics.closeAndFlush({ timeout: 20000 })
  return failures.concat(results.filter((r) => r !== null))
}

async function rudderNode(calls) {
  const Analytics = require('@rudderstack/rudder-sdk-node')
  const client = new Analytics(writeKey, { dataPlaneUrl: url, flushAt: 10, flushInterval: 200, retryCount: 1, logLevel: 'error' })
  const delivered = calls.map(
    (c) => new Promise((resolve) => client[c.method](c.message, (err) => resolve(err ? String(err) : null)))
  )
  client.flush().catch(() => {})
  const results = await Promise.all(delivered)
  return results.filter((r) => r !== null)
}

async function main() {
  const calls = await readStdin()
  const send = { 'segment-node': segmentNode, 'rudder-node': rudderNode }[sdk]
  if (!send) throw new Error(`unknown SDK ${sdk}: segment-node or rudder-node`)
  const failures = await send(calls)
  if (failures.length > 0) {
    console.error(`${sdk}: ${failures.length} calls failed: ${failures.slice(0, 5).join('; ')}`)
    process.exit(1)
  }
  console.log(`${sdk}: ${calls.length} calls delivered`)
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err))
  process.exit(1)
})
