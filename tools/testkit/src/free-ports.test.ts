import { createServer } from 'node:net'
import { expect } from 'chai'
import { allocateFreePorts } from './free-ports.js'

describe('allocateFreePorts', () => {
  it('returns the requested number of distinct ports that can be bound on 127.0.0.1', async () => {
    const ports = await allocateFreePorts(5)
    expect(ports).to.have.length(5)
    expect(new Set(ports).size).to.equal(5)
    for (const port of ports) {
      expect(port).to.be.within(1024, 65535)
      const server = createServer()
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => resolve())
      })
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('returns an empty list for zero ports', async () => {
    expect(await allocateFreePorts(0)).to.deep.equal([])
  })
})
