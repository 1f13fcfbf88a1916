package io.pipeio.actuate;

import java.security.Principal;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;

/**
 * Lets the operations of the {@code pipeio} endpoint that change a channel know their
 * caller, so that each change is logged with the authenticated principal (over HTTP as
 * over JMX, whatever the web stack). Other endpoints and operations are left as they are.
 *
 * @author pipe-io
 */
public final class PipeIoEndpointInvokerAdvisor implements OperationInvokerAdvisor {

	private static final EndpointId PIPEIO = EndpointId.of("pipeio");

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (!PIPEIO.equals(endpointId) || operationType != OperationType.WRITE) {
			return invoker;
		}
		return (context) -> {
			SecurityContext security = context.canResolve(SecurityContext.class)
					? context.resolveArgument(SecurityContext.class) : null;
			Principal principal = (security != null) ? security.getPrincipal() : null;
			return EndpointCaller.call(principal, () -> invoker.invoke(context));
		};
	}

}
