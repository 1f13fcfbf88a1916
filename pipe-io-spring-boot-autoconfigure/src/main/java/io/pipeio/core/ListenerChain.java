package io.pipeio.core;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A channel's listener with its decorators, outermost first to be called, and every layer
 * of it, so that the end of a chunk reaches each layer once without any decorator having
 * to forward it.
 *
 * @author pipe-io
 */
final class ListenerChain {

	private static final Log logger = LogFactory.getLog(PipeChannel.class);

	private final BufferedPipeMessageListener head;

	/**
	 * Every distinct layer, innermost first; an array, as it is walked at the end of
	 * every chunk without an iterator.
	 */
	private final BufferedPipeMessageListener[] layers;

	private ListenerChain(BufferedPipeMessageListener head, BufferedPipeMessageListener[] layers) {
		this.head = head;
		this.layers = layers;
	}

	/**
	 * Wrap a listener in decorators, the first of them outermost.
	 * @param channel the channel's name
	 * @param listener the listener
	 * @param decorators the decorators, in order
	 * @return the chain
	 */
	static ListenerChain of(String channel, PipeMessageListener listener,
			List<PipeMessageListenerDecorator> decorators) {
		BufferedPipeMessageListener buffered = (listener instanceof BufferedPipeMessageListener already) ? already
				: new CopyingPipeMessageListener(listener);
		List<BufferedPipeMessageListener> layers = new ArrayList<>(List.of(buffered));
		for (int i = decorators.size() - 1; i >= 0; i--) {
			buffered = decorators.get(i).decorate(channel, buffered);
			if (buffered != layers.get(layers.size() - 1)) {
				layers.add(buffered);
			}
		}
		return new ListenerChain(buffered, layers.toArray(new BufferedPipeMessageListener[0]));
	}

	/**
	 * @return the listener to call: the outermost decorator
	 */
	BufferedPipeMessageListener head() {
		return this.head;
	}

	/**
	 * Tell every layer that a chunk's lines were handled.
	 * @param context the channel
	 */
	void chunkEnded(PipeChannelContext context) {
		for (BufferedPipeMessageListener layer : this.layers) {
			try {
				layer.onChunkEnd(context);
			}
			catch (Exception ex) {
				// a checked one too, that it did not declare: not a failure of the reader
				logger.error("Listener " + layer + " of channel '" + context.getName() + "' failed at the end of a"
						+ " chunk", ex);
			}
		}
	}

}
