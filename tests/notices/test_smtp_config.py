"""Where SMTP settings come from: the environment first, then .streamlit/secrets.toml."""

import pytest

from bob.errors import BobError
from bob.notices import SmtpConfig

ENV = {"BOB_SMTP_HOST": "smtp.example.com", "BOB_SMTP_PORT": "2525",
       "BOB_SMTP_SECURITY": "STARTTLS", "BOB_SMTP_USER": "bob", "BOB_SMTP_PASSWORD": "s3cret",
       "BOB_SMTP_FROM": "billing@vendor.example"}


@pytest.fixture
def secrets(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[smtp]\nhost = "mail.example.org"\nport = 465\nsecurity = "ssl"\n'
                    'user = "finance@vendor.example"\npassword = "hunter2"\n')
    return path


def test_settings_come_from_the_environment(tmp_path):
    config = SmtpConfig.from_env(ENV, secrets_path=tmp_path / "absent.toml")
    assert config == SmtpConfig(host="smtp.example.com", port=2525, security="starttls",
                                user="bob", password="s3cret", sender="billing@vendor.example")


def test_settings_fall_back_to_the_smtp_table_of_secrets_toml(secrets):
    config = SmtpConfig.from_env({}, secrets_path=secrets)
    assert (config.host, config.port, config.security) == ("mail.example.org", 465, "ssl")
    assert config.sender == "finance@vendor.example"


def test_the_environment_wins_setting_by_setting(secrets):
    config = SmtpConfig.from_env({"BOB_SMTP_PORT": "4650", "BOB_SMTP_HOST": ""},
                                 secrets_path=secrets)
    assert (config.host, config.port, config.password) == ("mail.example.org", 4650, "hunter2")


def test_no_host_means_no_smtp_and_emails_wait_in_the_outbox(tmp_path):
    assert SmtpConfig.from_env({"BOB_SMTP_USER": "bob"}, secrets_path=tmp_path / "x") is None


def test_the_port_follows_the_security_when_not_given(tmp_path):
    absent = tmp_path / "absent.toml"
    ports = {security: SmtpConfig.from_env(
        {"BOB_SMTP_HOST": "h", "BOB_SMTP_FROM": "a@b.example", "BOB_SMTP_SECURITY": security},
        secrets_path=absent).port for security in ("none", "starttls", "ssl")}
    assert ports == {"none": 25, "starttls": 587, "ssl": 465}


@pytest.mark.parametrize("env, words", [
    ({"BOB_SMTP_SECURITY": "tls"}, "security must be one of none, starttls, ssl"),
    ({"BOB_SMTP_PORT": "smtp"}, "port must be a number"),
    ({"BOB_SMTP_PORT": "99999"}, "port must be a number from 1 to 65535"),
    ({"BOB_SMTP_PORT": "0"}, "port must be a number from 1 to 65535"),
    ({"BOB_SMTP_PORT": "-25"}, "port must be a number from 1 to 65535"),
    ({"BOB_SMTP_PORT": "587.0"}, "port must be a number from 1 to 65535"),
    ({"BOB_SMTP_FROM": "", "BOB_SMTP_USER": "bob"}, "Set BOB_SMTP_FROM"),
])
def test_a_wrong_setting_is_refused_in_plain_words(tmp_path, env, words):
    with pytest.raises(BobError, match=words):
        SmtpConfig.from_env({**ENV, **env}, secrets_path=tmp_path / "absent.toml")


def test_a_broken_secrets_file_is_refused_in_plain_words(tmp_path):
    broken = tmp_path / "secrets.toml"
    broken.write_text("[smtp\nhost = ")
    with pytest.raises(BobError, match="not valid TOML"):
        SmtpConfig.from_env({}, secrets_path=broken)


def test_the_password_stays_out_of_logs():
    assert "s3cret" not in repr(SmtpConfig(host="h", port=25, password="s3cret"))
