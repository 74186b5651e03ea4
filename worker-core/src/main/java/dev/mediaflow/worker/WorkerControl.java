package dev.mediaflow.worker;

import dev.mediaflow.messages.ControlCommand;
import dev.mediaflow.messages.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.context.SmartLifecycle;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts the task consumers (paused if Redis says the fleet is paused) and follows pause/resume
 * commands from {@code mediaflow.control}. Stopping the container lets the task in hand finish.
 *
 * <p>The control queue is exclusive to this connection, so a command sent while the connection is
 * down is lost to this worker. Hence every new connection reads the Redis flag again
 * ({@link #reconnected()}), which is what the command changed.
 */
public class WorkerControl implements MessageListener, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerControl.class);

    private final AbstractMessageListenerContainer tasks;
    private final TaskHandler handler;
    private final TaskFlags flags;
    private final WorkerState state;
    private final ExecutorService switcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "worker-control");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    private volatile boolean handlerReady;

    public WorkerControl(AbstractMessageListenerContainer tasks, TaskHandler handler, TaskFlags flags, WorkerState state) {
        this.tasks = tasks;
        this.handler = handler;
        this.flags = flags;
        this.state = state;
    }

    @Override
    public void start() {
        running = true;
        boolean paused;
        try {
            paused = flags.paused();
        } catch (RuntimeException e) {
            log.warn("Redis unreachable at start ({}); consuming tasks", e.getMessage());
            paused = false;
        }
        if (paused) {
            state.setPaused(true);
            log.info("Workers are paused (Redis flag); waiting for a resume command");
        }
        handler.ready().whenComplete((ok, failure) -> {
            if (failure != null) {
                log.error("The {} handler cannot take tasks ({}); they wait in {} until it is fixed and restarted",
                        handler.kind().json(), failure.getMessage(), handler.kind().queue());
                return;
            }
            handlerReady = true;
            switcher.execute(() -> {
                if (running && !state.paused()) {
                    tasks.start();
                }
            });
        });
    }

    @Override
    public void stop() {
        running = false;
        tasks.stop();
        switcher.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // after the listener containers Spring starts itself
        return Integer.MAX_VALUE - 100;
    }

    /**
     * A (re)connection to the broker: apply the pause flag as Redis has it now. Called on the thread that
     * opened the connection (maybe a task consumer), so the container is switched on another thread.
     */
    public void reconnected() {
        if (!running) {
            return;
        }
        boolean paused;
        try {
            paused = flags.paused();
        } catch (RuntimeException e) {
            log.warn("Redis unreachable after reconnecting ({}); keeping the {} state", e.getMessage(),
                    state.paused() ? "paused" : "running");
            return;
        }
        if (paused && !state.paused()) {
            // before the consumers can take a task; the listener gives back what races this
            state.setPaused(true);
        }
        ControlCommand command = new ControlCommand(paused ? ControlCommand.Action.PAUSE : ControlCommand.Action.RESUME,
                "the pause flag, read again after reconnecting", java.time.Instant.now());
        try {
            switcher.execute(() -> apply(command));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the worker is shutting down
        }
    }

    @Override
    public void onMessage(Message message) {
        ControlCommand command;
        try {
            command = Json.read(message.getBody(), ControlCommand.class);
        } catch (RuntimeException e) {
            log.warn("Ignoring unreadable control message: {}", e.getMessage());
            return;
        }
        switcher.execute(() -> apply(command));
    }

    private void apply(ControlCommand command) {
        if (command.action() == ControlCommand.Action.PAUSE && (!state.paused() || tasks.isRunning())) {
            state.setPaused(true);
            log.info("Pausing (requested by {}): finishing the task in hand, taking no new one", command.requestedBy());
            tasks.stop();
        } else if (command.action() == ControlCommand.Action.RESUME && state.paused()) {
            state.setPaused(false);
            log.info("Resuming (requested by {})", command.requestedBy());
            if (handlerReady) {
                tasks.start();
            }
        }
    }
}
