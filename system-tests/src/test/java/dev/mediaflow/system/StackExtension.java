package dev.mediaflow.system;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Starts one {@link Stack} for the whole test run, shared by every test class, and stops it at the end. */
public class StackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Stack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class).stack;
    }

    private static final class Holder implements AutoCloseable {
        final Stack stack;

        Holder() {
            try {
                stack = new Stack();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the stack: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            stack.close();
        }
    }
}
