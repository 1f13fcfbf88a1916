package io.pipeio.actuate;

import java.security.Principal;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Who called the current operation of the {@code pipeio} endpoint, for its log. A
 * {@code SecurityContext} parameter would give the same, but on an operation that changes
 * something Spring Boot then requires a JSON request body, and {@code curl -X POST}
 * without one would be refused with 415; so {@link PipeIoEndpointInvokerAdvisor} reads
 * the caller from the invocation and lends it to the operation's thread for the call.
 *
 * @author pipe-io
 */
final class EndpointCaller {

	private static final ThreadLocal<@Nullable Principal> CURRENT = new ThreadLocal<>();

	private EndpointCaller() {
	}

	/**
	 * @return the principal of the operation running on this thread, {@code null} if none
	 */
	static @Nullable Principal current() {
		return CURRENT.get();
	}

	/**
	 * Run an operation on behalf of a caller.
	 * @param principal the caller, {@code null} if unauthenticated
	 * @param operation the operation
	 * @return what the operation returned
	 */
	static @Nullable Object call(@Nullable Principal principal, Supplier<@Nullable Object> operation) {
		Principal previous = CURRENT.get();
		CURRENT.set(principal);
		try {
			return operation.get();
		}
		finally {
			if (previous != null) {
				CURRENT.set(previous);
			}
			else {
				CURRENT.remove();
			}
		}
	}

}
