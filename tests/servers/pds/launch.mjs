// Starts the reference Bluesky PDS with an in-memory PLC directory for statement-bot's tests.
// Usage: node launch.mjs [--public-url URL] [--rate-limits]
// Prints one JSON line {"ready": true, "pds": URL, "plc": URL} once serving; stops on SIGTERM/SIGINT
// or when stdin closes (the test process died).
//
// Built like dev-env's TestPds, except that the PDS can advertise a public URL other than the port
// it listens on (a fault proxy in front): account DID documents then point clients at the proxy.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import devEnv from '@atproto/dev-env'
import pdsLib from '@atproto/pds'
import crypto from '@atproto/crypto'
import getPort from 'get-port'

const { TestPlc, ADMIN_PASSWORD, JWT_SECRET } = devEnv
const args = process.argv.slice(2)
const option = (name) => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'statement-bot-pds-'))
let plc
let server

const start = async () => {
  plc = await TestPlc.create({})
  const port = await getPort()
  const rotation = await crypto.Secp256k1Keypair.create({ exportable: true })
  const env = {
    devMode: true,
    port,
    dataDirectory: path.join(dir, 'data'),
    blobstoreDiskLocation: path.join(dir, 'blobs'),
    recoveryDidKey: (await crypto.Secp256k1Keypair.create()).did(),
    adminPassword: ADMIN_PASSWORD,
    jwtSecret: JWT_SECRET,
    serviceHandleDomains: ['.test'],
    bskyAppViewUrl: 'https://appview.invalid',
    bskyAppViewDid: 'did:example:invalid',
    modServiceUrl: 'https://moderator.invalid',
    modServiceDid: 'did:example:invalid',
    plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotation.export()).toString('hex'),
    inviteRequired: false,
    disableSsrfProtection: true,
    didPlcUrl: plc.url,
    rateLimitsEnabled: args.includes('--rate-limits'),
  }
  await fs.mkdir(env.dataDirectory, { recursive: true })
  const cfg = pdsLib.envToCfg(env)
  const publicUrl = option('--public-url')
  if (publicUrl) cfg.service.publicUrl = publicUrl
  server = await pdsLib.PDS.create(cfg, pdsLib.envToSecrets(env))
  await server.start()
  // No dev-env resolver mocks: they would rewrite DID documents back to the listening port.
  return `http://127.0.0.1:${port}`
}

let stopping = false
const stop = async (code) => {
  if (stopping) return
  stopping = true
  try {
    await server?.destroy()
    await plc?.close()
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
    process.exit(code)
  }
}

try {
  const url = await start()
  process.stdout.write(JSON.stringify({ ready: true, pds: url, plc: plc.url }) + '\n')
} catch (err) {
  process.stderr.write(`PDS failed to start: ${err?.stack ?? err}\n`)
  await stop(1)
}
process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
process.stdin.on('end', () => stop(0))
process.stdin.resume()
