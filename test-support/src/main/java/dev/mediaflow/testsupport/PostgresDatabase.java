package dev.mediaflow.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A throw-away database on the local PostgreSQL, created by the {@code mediaflow} role (it has
 * CREATEDB; .ci/run makes it) and dropped, connections and all, on close.
 */
public final class PostgresDatabase implements AutoCloseable {

    public static final String USER = env("POSTGRES_USER", "mediaflow");
    public static final String PASSWORD = env("POSTGRES_PASSWORD", "mediaflow");
    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/" + env("MEDIAFLOW_PG_DATABASE", "mediaflow");

    private final String name;

    private PostgresDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code <prefix>_<random>}; the prefix must be a plain SQL identifier. */
    public static PostgresDatabase create(String prefix) {
        PostgresDatabase db = new PostgresDatabase(prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        db.admin("CREATE DATABASE " + db.name);
        return db;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void admin(String statement) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD)) {
            c.createStatement().execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + " failed on 127.0.0.1:5432 as " + USER
                    + " (does the role exist with CREATEDB? .ci/run creates it): " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
