"""Local stand-ins for the providers behind each channel, shipped with the package so that
tests and the product demo send real SMTP and real HTTP without reaching anybody.

``smtp_server.SandboxSmtpServer`` receives e-mail; ``sms_provider.SandboxSmsProvider``
answers like Twilio's Messages API and posts signed status callbacks. Each listens on
127.0.0.1 on a port the OS picks and runs on its own thread (``start``/``stop``, or
``with``). They are imported from their modules, so that using one does not require the
other's server library (``aiosmtpd`` for SMTP; FastAPI and uvicorn for SMS).
"""
