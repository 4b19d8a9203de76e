#ifndef NOETHER_CZEROMQ_SHIM_H
#define NOETHER_CZEROMQ_SHIM_H

// ZeroMQ for the Jupyter kernel (Debian: libzmq3-dev). Its pkg-config file drags in
// the include paths of libzmq's own dependencies, so the library is linked by name.
#include <zmq.h>

#endif
