"""Writes the small NumPy files that NumPyFilesTests reads (run from this folder:
python3 make_fixtures.py). Every value is a formula the tests recompute, so a
fixture is checked against an independent reference, not against itself."""
import numpy as np

def grid(shape):
    # value at multi-index i = 0.5 * (flat C index) - 1.25, exact in float64
    return (np.arange(int(np.prod(shape)), dtype=np.float64) * 0.5 - 1.25).reshape(shape)

a = grid((2, 3, 4))
np.save("c_order.npy", a)                                  # version 1.0, '<f8', C order
np.save("fortran_order.npy", np.asfortranarray(a))         # fortran_order: True
np.save("scalar.npy", np.float64(3.5))                      # shape ()
np.save("vector.npy", np.array([1.0, -2.0, np.pi]))        # shape (3,)
np.save("big_endian.npy", a.astype(">f8"))
np.save("float32.npy", a.astype(np.float32))
np.save("int64.npy", np.arange(6, dtype=np.int64).reshape(2, 3) - 2)
np.save("complex.npy", np.ones(3, dtype=np.complex128))    # refused: dtype '<c16'
np.lib.format.write_array(open("version2.npy", "wb"), a, version=(2, 0))
np.lib.format.write_array(open("version3.npy", "wb"), a, version=(3, 0))
np.savez("stored.npz", inputs=a, targets=grid((2, 3, 1)))
np.savez_compressed("compressed.npz", inputs=a, targets=grid((2, 3, 1)))
import os
os.makedirs("folder", exist_ok=True)                      # a folder of .npy files
np.save("folder/inputs.npy", a)
np.save("folder/targets.npy", grid((2, 3, 1)))
with open("not_a_zip.npz", "wb") as f:
    f.write(b"inputs,targets\n1,2\n")
