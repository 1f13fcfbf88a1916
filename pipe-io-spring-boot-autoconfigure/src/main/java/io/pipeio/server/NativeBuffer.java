package io.pipeio.server;

import com.sun.jna.Memory;

/**
 * Native memory that the event loop engine reads into or writes from, and the array the
 * bytes are copied from or to: a native call takes the memory without copying a whole
 * array in and out, and the framer and the encoder work on the array.
 *
 * @author pipe-io
 */
final class NativeBuffer {

	final Memory memory;

	final byte[] bytes;

	NativeBuffer(int size) {
		this.memory = new Memory(size);
		this.bytes = new byte[size];
	}

}
