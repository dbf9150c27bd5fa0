"""Registered ops without an oracle entry, each with the reason.  Keep this list small."""
EXEMPT = {
    # name: reason
    "cuda": "the torch oracle is a CPU-only build; ember's FakeCUDA device is covered by "
            "tests/test_device.py",
    "_lstm_layer": "private whole-sequence LSTM layer behind nn.LSTM (torch's counterpart, "
                   "mkldnn_rnn_layer, takes oneDNN's weight layout); gradcheck, gradgradcheck "
                   "and nn.LSTM against torch in tests/test_rnn_fused.py",
    "_gru_layer": "private whole-sequence GRU layer behind nn.GRU (torch has no public "
                  "counterpart); gradcheck, gradgradcheck and nn.GRU against torch in "
                  "tests/test_rnn_fused.py",
    "_rnn_layer": "private whole-sequence tanh/relu RNN layer behind nn.RNN (torch has no "
                  "public counterpart); gradcheck, gradgradcheck and nn.RNN against torch in "
                  "tests/test_rnn_fused.py",
    "is_pinned": "pinned memory needs an accelerator; CPU-only torch's errors and the fake CUDA "
                 "backend's pinning in tests/test_pinned_memory.py",
    "pin_memory": "pinned memory needs an accelerator; CPU-only torch's errors and the fake CUDA "
                  "backend's pinning in tests/test_pinned_memory.py",
    "ctc_loss": "needs length arrays and log_softmax-normalised inputs (torch's CTC gradient "
                "is exact only for those); compared with torch in tests/test_nn_loss.py",
}
