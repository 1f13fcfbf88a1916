package io.pipeio.plugin;

/**
 * Makes whatever a supervisor's handover throws a failure of the handover, as
 * {@link ObserverGuard} does for its observer: a checked exception that it did not
 * declare reaches the caller of {@link PluginSupervisor#start()} or
 * {@link PluginSupervisor#restart()} as an
 * {@link java.lang.reflect.UndeclaredThrowableException}, which none of them declares
 * either, rather than as itself.
 *
 * @author pipe-io
 */
final class HandoverGuard implements PluginHandover {

	private final PluginHandover handover;

	private HandoverGuard(PluginHandover handover) {
		this.handover = handover;
	}

	static PluginHandover guard(PluginHandover handover) {
		return (handover instanceof HandoverGuard) ? handover : new HandoverGuard(handover);
	}

	@Override
	public void started(PluginSupervisor plugin, long pid) {
		ObserverGuard.call(this.handover, () -> this.handover.started(plugin, pid));
	}

	@Override
	public void exited(PluginSupervisor plugin, PluginExit exit) {
		ObserverGuard.call(this.handover, () -> this.handover.exited(plugin, exit));
	}

	@Override
	public String toString() {
		return this.handover.toString();
	}

}
