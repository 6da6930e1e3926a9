"""The tutorial's model in PyTorch (LSTM -> last step -> ReLU -> Linear), shared by the bench's PyTorch children."""
import torch
from torch import nn


class Forecaster(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden, num_layers=1, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(torch.relu(out[:, -1, :]))
