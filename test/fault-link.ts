import { connect, createServer, type Server, type Socket } from "node:net";

/** A TCP hop (to a server, or to Redis) that a test can cut (every socket dropped, new ones refused) and restore. */
export class FaultyLink {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private cut = false;
  port = 0;

  constructor(private readonly upstream: number) {
    this.server = createServer((down) => {
      if (this.cut) return void down.destroy();
      const up = connect(this.upstream, "127.0.0.1");
      for (const s of [down, up]) {
        this.sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => {
          this.sockets.delete(s);
          down.destroy();
          up.destroy();
        });
      }
      down.pipe(up).pipe(down);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.address() as { port: number }).port;
  }

  sever(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  close(): void {
    this.sever();
    this.server.close();
  }
}
