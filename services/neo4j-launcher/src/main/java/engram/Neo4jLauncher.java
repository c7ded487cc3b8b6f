package engram;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community in-process for Engram's local services and tests.
 *
 * <p>Usage: {@code java -cp 'lib/*' engram.Neo4jLauncher DATA_DIR PORT}. Bolt listens on
 * 127.0.0.1:PORT (0: any free port) without TLS and without authentication (the driver's basic
 * auth is then accepted with any password); HTTP is off, and every other listener is bound to
 * loopback, so nothing is reachable from outside the machine. Once Bolt accepts connections, the
 * only line written to stdout is {@code READY bolt://127.0.0.1:PORT}; logs go to files in the
 * data folder.
 *
 * <p>The harness keeps the database in a fresh folder below DATA_DIR and deletes it on a clean
 * stop: every start begins empty. It stops cleanly on SIGTERM and when stdin reaches end of file,
 * so that it dies with the process that started it even when that process is killed with -9 (its
 * end of the pipe closes then).
 */
public final class Neo4jLauncher {
    /**
     * Bolt's event loops wait for a quiet period of 5 s each (boss and workers) before they stop,
     * which made every stop take 10–12 s; nothing needs draining once the parent has gone.
     */
    private static final int BOLT_SHUTDOWN_QUIET_SECONDS = 0;

    /** Enough page cache for tens of thousands of entities with embeddings; the harness default is 8 MiB. */
    private static final long PAGE_CACHE_MIB = 256;

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: engram.Neo4jLauncher DATA_DIR PORT");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);

        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(dataDir)
                .withDisabledServer()
                .withConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .withConfig(GraphDatabaseSettings.routing_enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(PAGE_CACHE_MIB))
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, BOLT_SHUTDOWN_QUIET_SECONDS)
                .build();

        // SIGTERM, SIGINT and the System.exit below all run shutdown hooks, and the JVM waits for
        // them: the store is flushed and closed before the process ends.
        Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close, "neo4j-shutdown"));

        int boltPort = neo4j.boltURI().getPort();
        awaitBolt(boltPort);
        System.out.println("READY bolt://127.0.0.1:" + boltPort);
        System.out.flush();

        drain(System.in);
        System.exit(0);
    }

    /** Returns once a TCP connection to Bolt succeeds: the connector may still be binding after build(). */
    private static void awaitBolt(int port) throws InterruptedException {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
    }

    /** Blocks until the parent closes our stdin (or dies, which closes it too). */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) != -1) {
            // Input carries no commands; reading only detects the end of the stream.
        }
    }
}
