// Prints a free TCP port on loopback (the OS picks it), for the load and soak scripts.
import { createServer } from "node:net";

const server = createServer();
server.listen(0, "127.0.0.1", () => {
  console.log(server.address().port);
  server.close();
});
