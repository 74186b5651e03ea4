package dev.mediaflow.worker;

import com.rabbitmq.client.ShutdownSignalException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * What a worker must do when its broker connection comes and goes: on a new connection read the
 * pause flag again ({@link WorkerControl#reconnected()}); on a lost one release its attempt claims
 * ({@link AttemptClaims#releaseAll()}).
 */
class BrokerConnectionWatch implements ConnectionListener {

    private final WorkerControl control;
    private final AttemptClaims claims;

    BrokerConnectionWatch(WorkerControl control, AttemptClaims claims) {
        this.control = control;
        this.claims = claims;
    }

    @Override
    public void onCreate(Connection connection) {
        control.reconnected();
    }

    @Override
    public void onShutDown(ShutdownSignalException signal) {
        claims.releaseAll();
    }
}
