"""What Relais can do: platform-neutral features and the contract they share with the adapters."""
