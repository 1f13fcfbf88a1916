package io.pipeio.plugin;

import java.lang.reflect.UndeclaredThrowableException;

/**
 * Makes whatever a supervisor's observer throws a failure of the observer: a checked
 * exception that it did not declare (a Kotlin observer, a sneaky throw) reaches the
 * supervisor as an {@link UndeclaredThrowableException}, which it handles as any
 * {@link RuntimeException} of an observer. Unwrapped, it would reach the caller of
 * {@link PluginSupervisor#start()}, {@link PluginSupervisor#stop()} or
 * {@link PluginSupervisor#restart()} as a checked exception that none declares, and an
 * {@link java.io.IOException} told of a stderr line would pass for the end of the
 * plug-in's stderr, whose copy would stop.
 *
 * @author pipe-io
 */
final class ObserverGuard implements PluginObserver {

	private final PluginObserver observer;

	private ObserverGuard(PluginObserver observer) {
		this.observer = observer;
	}

	static PluginObserver guard(PluginObserver observer) {
		return (observer instanceof ObserverGuard) ? observer : new ObserverGuard(observer);
	}

	@Override
	public void onStarted(PluginSupervisor plugin, long pid) {
		call(() -> this.observer.onStarted(plugin, pid));
	}

	@Override
	public void onExited(PluginSupervisor plugin, PluginExit exit) {
		call(() -> this.observer.onExited(plugin, exit));
	}

	@Override
	public void onStderrLine(PluginSupervisor plugin, String line) {
		call(() -> this.observer.onStderrLine(plugin, line));
	}

	private void call(Runnable call) {
		call(this.observer, call);
	}

	/**
	 * Make a call of a supervisor's callback, whatever it throws unchecked.
	 * @param callee the observer or handover called, named in the failure
	 * @param call the call
	 */
	static void call(Object callee, Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			// an Exception, or a Throwable that is neither an Exception nor an Error
			throw new UndeclaredThrowableException(ex,
					callee.getClass().getName() + " threw a checked exception it does not declare: " + ex);
		}
	}

	@Override
	public String toString() {
		return this.observer.toString();
	}

}
